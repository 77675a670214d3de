#pragma once
// A port for a group on one machine (--nproc, the tests): the kernel picks one
// free on 127.0.0.1. Another program could take it before rank 0 listens on
// it; rank 0 then fails to listen and says so.
namespace cradle {

int free_loopback_port();

}  // namespace cradle
