"""Automation on a data folder (issue 21): reports, and configuration as code (export / apply)."""
