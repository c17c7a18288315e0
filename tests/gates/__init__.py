"""Quality gates: real validators over the real built site (issue 7)."""
