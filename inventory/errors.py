"""Domain errors. Their messages are written for the user and shown as they are."""


class InventoryError(Exception):
    """Base for anything the inventory refuses to do."""


class InvalidTag(InventoryError):
    pass


class DuplicateTag(InventoryError):
    pass


class DuplicateCode(InventoryError):
    pass


class StaleItem(InventoryError):
    """The item changed since the user loaded the page they are submitting."""


class ItemNotAvailable(InventoryError):
    """The item's state does not allow the operation (for example, it is disposed)."""


class PhotoRejected(InventoryError):
    pass
