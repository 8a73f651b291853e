"""Himoya: case management and data for a national anti-trafficking referral mechanism."""
