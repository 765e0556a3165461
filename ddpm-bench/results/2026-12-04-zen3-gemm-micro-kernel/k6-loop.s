 1aa:	66 0f 1f 44 00 00    	nopw   0x0(%rax,%rax,1)
 1b0:	45 8b eb             	mov    %r11d,%r13d
 1b3:	41 c1 e5 04          	shl    $0x4,%r13d
 1b7:	45 03 e9             	add    %r9d,%r13d
 1ba:	42 8d 04 9d 00 00 00 	lea    0x0(,%r11,4),%eax
 1c1:	00 
 1c2:	42 8d 04 58          	lea    (%rax,%r11,2),%eax
 1c6:	03 c1                	add    %ecx,%eax
 1c8:	c4 e2 7d 18 5c 82 10 	vbroadcastss 0x10(%rdx,%rax,4),%ymm3
 1cf:	c4 81 7c 10 4c a8 30 	vmovups 0x30(%r8,%r13,4),%ymm1
 1d6:	c4 81 7c 10 54 a8 10 	vmovups 0x10(%r8,%r13,4),%ymm2
 1dd:	48 63 e8             	movslq %eax,%rbp
 1e0:	c4 e2 65 b8 c2       	vfmadd231ps %ymm2,%ymm3,%ymm0
 1e5:	c4 62 65 b8 f1       	vfmadd231ps %ymm1,%ymm3,%ymm14
 1ea:	c4 e2 7d 18 5c aa 14 	vbroadcastss 0x14(%rdx,%rbp,4),%ymm3
 1f1:	c4 e2 7d 18 64 aa 1c 	vbroadcastss 0x1c(%rdx,%rbp,4),%ymm4
 1f8:	c4 62 65 b8 d2       	vfmadd231ps %ymm2,%ymm3,%ymm10
 1fd:	c4 62 65 b8 c9       	vfmadd231ps %ymm1,%ymm3,%ymm9
 202:	c4 e2 5d b8 f2       	vfmadd231ps %ymm2,%ymm4,%ymm6
 207:	c4 e2 5d b8 e9       	vfmadd231ps %ymm1,%ymm4,%ymm5
 20c:	c4 e2 7d 18 5c aa 20 	vbroadcastss 0x20(%rdx,%rbp,4),%ymm3
 213:	c4 e2 7d 18 64 aa 24 	vbroadcastss 0x24(%rdx,%rbp,4),%ymm4
 21a:	c4 62 7d 18 7c aa 18 	vbroadcastss 0x18(%rdx,%rbp,4),%ymm15
 221:	c4 62 65 b8 ea       	vfmadd231ps %ymm2,%ymm3,%ymm13
 226:	c4 62 65 b8 e1       	vfmadd231ps %ymm1,%ymm3,%ymm12
 22b:	c4 62 05 b8 c2       	vfmadd231ps %ymm2,%ymm15,%ymm8
 230:	c4 62 5d b8 da       	vfmadd231ps %ymm2,%ymm4,%ymm11
 235:	c5 fe 6f 54 24 10    	vmovdqu 0x10(%rsp),%ymm2
 23b:	c4 e2 5d b8 d1       	vfmadd231ps %ymm1,%ymm4,%ymm2
 240:	c5 fe 7f 54 24 10    	vmovdqu %ymm2,0x10(%rsp)
 246:	c4 e2 05 b8 f9       	vfmadd231ps %ymm1,%ymm15,%ymm7
 24b:	41 ff c3             	inc    %r11d
 24e:	44 3b de             	cmp    %esi,%r11d
 251:	0f 8c 59 ff ff ff    	jl     0x1b0
 257:	4d 8b 77 30          	mov    0x30(%r15),%r14
 25b:	41 83 c5 10          	add    $0x10,%r13d
 25f:	83 c0 06             	add    $0x6,%eax
 262:	41 85 06             	test   %eax,(%r14)
 265:	44 3b db             	cmp    %ebx,%r11d
 268:	0f 8c 14 ff ff ff    	jl     0x182
 26e:	c5 fe 6f ca          	vmovdqu %ymm2,%ymm1
 272:	4c 8b 54 24 30       	mov    0x30(%rsp),%r10
 277:	45 8b 52 0c          	mov    0xc(%r10),%r10d
