/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event bpf_trace_printk() writes: one string, the formatted
 * message, shown in trace_pipe as "bpf_trace_printk: <message>".
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM bpf_trace

#if !defined(_TRACE_BPF_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_BPF_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(bpf_trace_printk,
	    TP_PROTO(const char *message),
	    TP_ARGS(message),
	    TP_STRUCT__entry(__string(message, message)),
	    TP_fast_assign(__assign_str(message, message);),
	    TP_printk("%s", __get_str(message))
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE bpf_trace

#include <trace/define_trace.h>
