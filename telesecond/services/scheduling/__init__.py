"""Scheduling: specialists' hours and profiles, busy time, free slots, the directory."""
