"""Why a file could not be read or written, in Russian words a user understands (the system's
own text is English on many computers)."""

from __future__ import annotations

import errno

_WORDS = {
    errno.ENOENT: "файл или папка не найдены",
    errno.EISDIR: "это папка, а не файл",
    errno.ENOTDIR: "одна из папок пути — не папка",
    errno.EACCES: "нет доступа",
    errno.EPERM: "нет доступа",
    errno.EROFS: "диск доступен только для чтения",
    errno.ENOSPC: "на диске нет места",
    errno.EBUSY: "файл занят другой программой",
    errno.ENAMETOOLONG: "слишком длинное имя или путь",
    errno.EIO: "ошибка чтения или записи диска",
}


def os_reason(error: BaseException) -> str:
    """«нет доступа», «на диске нет места»…; a generic phrase for anything else."""
    code = getattr(error, "errno", None)
    return (
        _WORDS.get(code, "ошибка диска или файловой системы")
        if isinstance(code, int)
        else ("ошибка диска или файловой системы")
    )
