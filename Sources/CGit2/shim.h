// CGit2: the system libgit2 (libgit2-dev, 1.5 on Debian 12), imported by KgitGit only, through `internal import`.
#ifndef KGIT_CGIT2_SHIM_H
#define KGIT_CGIT2_SHIM_H

#include <git2.h>

#endif
