"""The live regions of the room, the console and the screen: one table of them, rendered once
per view, language and log position, and shared by every browser that shows them."""
