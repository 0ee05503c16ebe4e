"""Application services: gather inputs through the ports, decide, act, record and notify."""
