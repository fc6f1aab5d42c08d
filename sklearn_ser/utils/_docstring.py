"""The one docstring-substitution helper of the package."""


def fill_doc(**blocks):
    """Decorator that replaces ``%(name)s`` in a docstring by ``blocks[name]``.

    Shared parameter descriptions are written once and the docstring in the
    source keeps its shape, with a visible placeholder where a block goes.
    Plain replacement (not ``%`` formatting), so a literal ``%`` in a
    docstring needs no escaping. A placeholder without a block is an error
    at import time rather than a hole in the rendered documentation.

    Parameters
    ----------
    **blocks : str
        Text for each placeholder name, indented as it must appear.

    Returns
    -------
    decorator : callable
        Applies to a function or a class and returns it.

    Examples
    --------
    >>> from sklearn_ser.utils import fill_doc
    >>> @fill_doc(seed="random_state : int, default=None")
    ... def f(random_state=None):
    ...     '''Do f.
    ...
    ...     Parameters
    ...     ----------
    ...     %(seed)s
    ...     '''
    >>> "random_state : int" in f.__doc__
    True
    """

    def decorate(obj):
        doc = obj.__doc__
        for name, text in blocks.items():
            doc = doc.replace(f"%({name})s", text)
        if "%(" in doc:
            missing = doc[doc.index("%(") :].split(")s", 1)[0] + ")s"
            raise ValueError(f"no block for {missing} in the docstring of {obj.__qualname__}")
        obj.__doc__ = doc
        return obj

    return decorate
