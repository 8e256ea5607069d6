/* version.h: the version this build reports; it tracks the wireguard-tools release it matches. */
#ifndef VERSION_H
#define VERSION_H

#define WIREGUARD_TOOLS_VERSION "1.0.20260223"
#define PROJECT_URL "https://www.wireguard.com/ (clean-room wg, drop-in compatible)"

#endif
