"""The workspace's tabs, one module each."""
