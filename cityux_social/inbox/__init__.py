"""The social inbox in the Wagtail admin: triage posts, accept or dismiss them, follow tickets."""
