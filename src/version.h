/* salvo's version, printed by --version and in the metadata. */
#ifndef SALVO_VERSION_H
#define SALVO_VERSION_H

#define SALVO_VERSION "0.1.0"

#endif
