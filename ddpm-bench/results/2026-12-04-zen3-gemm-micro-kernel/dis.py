import re, sys
src, name, out = sys.argv[1], sys.argv[2], sys.argv[3]
lines=open(src).read().split('\n')
starts=[i for i,l in enumerate(lines) if l.startswith('Compiled method (c2)') and ('MK2::%s ' % name) in l and '%' not in l]
i=starts[-1]
j=next((k for k in range(i+1,len(lines)) if lines[k].startswith('Compiled method')), len(lines))
data=bytearray(); base=None
for l in lines[i:j]:
    m=re.match(r'\s*0x([0-9a-f]+): ((?:[0-9a-f]{2,4} ?\|? ?)+)$', l)
    if m and '[' not in l:
        addr=int(m.group(1),16)
        if base is None: base=addr
        if addr > base+len(data): data += b'\x90'*(addr-base-len(data))
        elif addr < base+len(data): continue
        for h in m.group(2).replace('|','').split(): data += bytes.fromhex(h)
open(out,'wb').write(data)
