"""Development-only runtime pieces for the XBlock workbench (never used in the LMS)."""
