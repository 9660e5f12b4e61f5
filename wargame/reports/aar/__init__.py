"""The after-action review (issue 9): content from the log, charts, HTML and PDF, and a cache."""
