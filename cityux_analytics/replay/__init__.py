"""Session replay: rrweb recordings of frustrated sessions, masked in the browser, played in
the admin."""
