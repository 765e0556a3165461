 154:	c4 a2 7d 18 4c 9a 10 	vbroadcastss 0x10(%rdx,%r11,4),%ymm1
 15b:	8b eb                	mov    %ebx,%ebp
 15d:	c1 e5 04             	shl    $0x4,%ebp
 160:	41 03 e9             	add    %r9d,%ebp
 163:	4d 63 eb             	movslq %r11d,%r13
 166:	c4 a2 7d 18 54 aa 1c 	vbroadcastss 0x1c(%rdx,%r13,4),%ymm2
 16d:	c4 a2 7d 18 5c aa 14 	vbroadcastss 0x14(%rdx,%r13,4),%ymm3
 174:	c4 a2 7d 18 64 aa 18 	vbroadcastss 0x18(%rdx,%r13,4),%ymm4
 17b:	c4 c1 7c 10 6c a8 30 	vmovups 0x30(%r8,%rbp,4),%ymm5
 182:	c4 41 7c 10 6c a8 10 	vmovups 0x10(%r8,%rbp,4),%ymm13
 189:	c4 62 75 b8 e5       	vfmadd231ps %ymm5,%ymm1,%ymm12
 18e:	c4 c2 75 b8 c5       	vfmadd231ps %ymm13,%ymm1,%ymm0
 193:	c4 42 65 b8 dd       	vfmadd231ps %ymm13,%ymm3,%ymm11
 198:	c4 62 65 b8 d5       	vfmadd231ps %ymm5,%ymm3,%ymm10
 19d:	c4 42 5d b8 cd       	vfmadd231ps %ymm13,%ymm4,%ymm9
 1a2:	c4 c2 6d b8 fd       	vfmadd231ps %ymm13,%ymm2,%ymm7
 1a7:	c4 62 5d b8 c5       	vfmadd231ps %ymm5,%ymm4,%ymm8
 1ac:	c4 e2 6d b8 f5       	vfmadd231ps %ymm5,%ymm2,%ymm6
 1b1:	ff c3                	inc    %ebx
 1b3:	41 3b da             	cmp    %r10d,%ebx
 1b6:	7c 98                	jl     0x150
 1b8:	4d 8b 6f 30          	mov    0x30(%r15),%r13
 1bc:	83 c5 10             	add    $0x10,%ebp
 1bf:	41 83 c3 04          	add    $0x4,%r11d
 1c3:	41 85 45 00          	test   %eax,0x0(%r13)
 1c7:	41 3b de             	cmp    %r14d,%ebx
 1ca:	0f 8c 59 ff ff ff    	jl     0x129
 1d0:	44 8b 57 0c          	mov    0xc(%rdi),%r10d
 1d4:	41 83 c2 f9          	add    $0xfffffff9,%r10d
 1d8:	45 85 d2             	test   %r10d,%r10d
 1db:	0f 8c 27 04 00 00    	jl     0x608
 1e1:	44 8b 9c 24 50 01 00 	mov    0x150(%rsp),%r11d
 1e8:	00 
