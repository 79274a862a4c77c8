"""The staff side: the CLI, the server composition, and (later) the NiceGUI builder under /staff."""
