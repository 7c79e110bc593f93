// postgres.hpp — the one way C++ code in this repo includes PostgreSQL.
//
// PostgreSQL's headers are C and carry no extern "C" blocks of their own, so
// every inclusion goes through here.  Extension code includes this first and
// then any further server headers inside IXPG_BEGIN_C_HEADERS/IXPG_END_C_HEADERS.
#pragma once

#define IXPG_BEGIN_C_HEADERS extern "C" {
#define IXPG_END_C_HEADERS }

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}
