"""The staff side: the NiceGUI builder under /staff (pages/), the command line, the server composition."""
