// Read aloud: an extra for residents whose browser can speak (see read_aloud in issue 8).
