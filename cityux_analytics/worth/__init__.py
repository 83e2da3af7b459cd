"""Sessions worth watching: which frustrated sessions a department should watch first.

Pure logic: `features` (what a session shows), `score` (the transparent score and its reasons),
`grouping` (one problem per row, "N more like this"), `model` (a classifier learnt from the
"useful" / "not useful" buttons of the replay player). `ranking` and `training` read and
write the database around them.
"""
