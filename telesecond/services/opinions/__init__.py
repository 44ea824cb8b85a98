"""The specialist's written second opinion."""
