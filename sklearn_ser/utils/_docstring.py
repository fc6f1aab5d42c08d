"""The one docstring-substitution helper of the package."""

import re
import textwrap

_PLACEHOLDER = re.compile(r"^([ \t]*)%\((\w+)\)s[ \t]*$", re.M)


def fill_doc(**blocks):
    """Decorator that replaces ``%(name)s`` lines in a docstring by ``blocks[name]``.

    Shared parameter descriptions are written once and the docstring in the
    source keeps its shape, with a visible placeholder line where a block
    goes. Each block is dedented and indented like its placeholder, so it
    can be written at any indentation. A placeholder without a block is an
    error at import time rather than a hole in the rendered documentation.

    Parameters
    ----------
    **blocks : str
        Text for each placeholder name.

    Returns
    -------
    decorator : callable
        Applies to a function or a class and returns it.

    Examples
    --------
    >>> from sklearn_ser.utils import fill_doc
    >>> @fill_doc(seed='''
    ...     random_state : int, default=None
    ...         Seed.''')
    ... def f(random_state=None):
    ...     '''Do f.
    ...
    ...     Parameters
    ...     ----------
    ...     %(seed)s
    ...     '''
    >>> print(f.__doc__)
    Do f.
    <BLANKLINE>
        Parameters
        ----------
        random_state : int, default=None
            Seed.
    <BLANKLINE>
    """

    def substitute(match):
        indent, name = match.groups()
        if name not in blocks:
            raise ValueError(f"no block for %({name})s")
        return textwrap.indent(textwrap.dedent(blocks[name]).strip("\n"), indent)

    def decorate(obj):
        try:
            obj.__doc__ = _PLACEHOLDER.sub(substitute, obj.__doc__)
        except ValueError as exc:
            raise ValueError(f"{exc} in the docstring of {obj.__qualname__}") from None
        return obj

    return decorate
