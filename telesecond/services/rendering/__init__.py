"""Documents people keep: the signed opinion and the receipt, as tagged PDF and HTML.

``opinion`` and ``receipt`` render the pure documents of ``domain/opinion_document.py``
and ``domain/receipt_document.py`` from the templates in ``templates/opinion_document/``
and ``templates/receipt_document/``; ``pdf`` holds the one WeasyPrint call, ``formats``
the locale-aware dates and amounts.
"""
