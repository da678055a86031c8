// SPDX-License-Identifier: GPL-2.0
/*
 * Loads narrower than a context field: the verifier turns each into a
 * load of the whole field and a shift. Bytes and halves of len and
 * protocol, assembled again.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int narrow_ctx(struct __sk_buff *skb)
{
	__u8 *len = (__u8 *)&skb->len;
	__u16 *proto = (__u16 *)&skb->protocol;
	__u32 l = len[0] | len[1] << 8 | len[2] << 16 | len[3] << 24;

	if (l != skb->len)
		return 1;
	if (proto[0] != (skb->protocol & 0xffff))
		return 2;
	return l + proto[0];
}

char LICENSE[] SEC("license") = "GPL";
