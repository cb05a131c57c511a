"""Multi-process tests: the workbench under ``gunicorn --preload -w 4`` on MariaDB and PostgreSQL."""
