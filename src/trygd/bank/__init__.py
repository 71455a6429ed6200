"""Files exchanged with the bank: payment orders (ISO 20022 pain.001.001.03, NOK) and their
status reports (pain.002.001.03), and the checks of Norwegian account numbers and IBANs.

No database and no services here: the payment run (`trygd.services.payments`) decides what to
pay and hands this package plain values."""
