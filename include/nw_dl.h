/*
 * <nw_dl.h> — the symbol table of a statically linked io-pkt module (VARIANT_a):
 * { "iopkt_drvr_entry", &IOPKT_DRVR_ENTRY_SYM(sam) }, ..., { NULL, NULL }.
 * pktsim loads drivers as shared objects only; the type is here so such code compiles.
 */
#ifndef _NW_DL_H_
#define _NW_DL_H_

struct nw_dll_syms {
	const char *symname;
	void *addr;
};

#endif
