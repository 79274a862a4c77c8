"""The resident side: stores and serves published apps as plain HTML. Never imports NiceGUI."""
