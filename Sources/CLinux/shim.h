#ifndef PAVILION_CLINUX_SHIM_H
#define PAVILION_CLINUX_SHIM_H
/* Linux interfaces the Glibc Swift module does not export: epoll, eventfd, timerfd,
 * and accept4 (declared by glibc only under _GNU_SOURCE). */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>

extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);

#endif
