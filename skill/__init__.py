"""Leg Pain Guide: an Alexa skill for pain in the back or side of the leg (educational use)."""
