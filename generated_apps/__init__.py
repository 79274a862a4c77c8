"""The resident side and its data: domain/ (data and rules) and web/ (the resident pages). Never imports NiceGUI."""
