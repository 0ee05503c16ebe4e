"""Unit tests of the AI advisor: its values, facts, verdicts, the fake and the scanner veto."""
