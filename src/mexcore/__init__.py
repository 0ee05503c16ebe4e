"""mexcore: the pure domain core of mexbot (money math, decisions, services over ports)."""
