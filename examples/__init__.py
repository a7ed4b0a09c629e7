"""Example clients of the emulated APIs, run against the sandbox and judged by its contract checks."""
