"""The live session's pages: kiosk, wall, facilitator console and their parts."""
