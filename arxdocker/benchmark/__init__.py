"""`arxdocker benchmark`: the same build run N times per scenario (cold, warm, incremental)."""
