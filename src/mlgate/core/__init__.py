"""The pure core: plain data in, plain data out. No I/O, no SDKs, no environment."""
