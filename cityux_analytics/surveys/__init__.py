"""Micro-surveys: targeted, triggered by frustration, accessible, reported per department."""
