 204:	66 0f 1f 44 00 00    	nopw   0x0(%rax,%rax,1)
 20a:	66 0f 1f 44 00 00    	nopw   0x0(%rax,%rax,1)
 210:	8d 2c f9             	lea    (%rcx,%rdi,8),%ebp
 213:	8b c7                	mov    %edi,%eax
 215:	c1 e0 04             	shl    $0x4,%eax
 218:	41 03 c1             	add    %r9d,%eax
 21b:	4c 63 f5             	movslq %ebp,%r14
 21e:	c4 e2 7d 18 44 aa 10 	vbroadcastss 0x10(%rdx,%rbp,4),%ymm0
 225:	c4 41 7c 10 4c 80 10 	vmovups 0x10(%r8,%rax,4),%ymm9
 22c:	c4 41 7c 10 54 80 30 	vmovups 0x30(%r8,%rax,4),%ymm10
 233:	c4 42 7d b8 c1       	vfmadd231ps %ymm9,%ymm0,%ymm8
 238:	c4 c2 7d b8 fa       	vfmadd231ps %ymm10,%ymm0,%ymm7
 23d:	c4 a2 7d 18 44 b2 18 	vbroadcastss 0x18(%rdx,%r14,4),%ymm0
 244:	c4 22 7d 18 5c b2 1c 	vbroadcastss 0x1c(%rdx,%r14,4),%ymm11
 24b:	c4 c2 7d b8 e1       	vfmadd231ps %ymm9,%ymm0,%ymm4
 250:	c4 c2 7d b8 da       	vfmadd231ps %ymm10,%ymm0,%ymm3
 255:	c4 c2 25 b8 d1       	vfmadd231ps %ymm9,%ymm11,%ymm2
 25a:	c4 c2 25 b8 ca       	vfmadd231ps %ymm10,%ymm11,%ymm1
 25f:	c4 a2 7d 18 44 b2 20 	vbroadcastss 0x20(%rdx,%r14,4),%ymm0
 266:	c4 22 7d 18 5c b2 24 	vbroadcastss 0x24(%rdx,%r14,4),%ymm11
 26d:	c4 42 7d b8 f1       	vfmadd231ps %ymm9,%ymm0,%ymm14
 272:	c4 42 7d b8 ea       	vfmadd231ps %ymm10,%ymm0,%ymm13
 277:	c5 fe 6f 44 24 70    	vmovdqu 0x70(%rsp),%ymm0
 27d:	c4 c2 25 b8 c1       	vfmadd231ps %ymm9,%ymm11,%ymm0
 282:	c5 fe 7f 44 24 70    	vmovdqu %ymm0,0x70(%rsp)
 288:	c5 fe 6f 44 24 50    	vmovdqu 0x50(%rsp),%ymm0
 28e:	c4 c2 25 b8 c2       	vfmadd231ps %ymm10,%ymm11,%ymm0
 293:	c5 fe 7f 44 24 50    	vmovdqu %ymm0,0x50(%rsp)
 299:	c4 22 7d 18 5c b2 28 	vbroadcastss 0x28(%rdx,%r14,4),%ymm11
 2a0:	c4 22 7d 18 64 b2 2c 	vbroadcastss 0x2c(%rdx,%r14,4),%ymm12
 2a7:	c4 22 7d 18 7c b2 14 	vbroadcastss 0x14(%rdx,%r14,4),%ymm15
 2ae:	c5 fe 6f 44 24 30    	vmovdqu 0x30(%rsp),%ymm0
 2b4:	c4 c2 25 b8 c1       	vfmadd231ps %ymm9,%ymm11,%ymm0
 2b9:	c5 fe 7f 44 24 30    	vmovdqu %ymm0,0x30(%rsp)
 2bf:	c5 fe 6f 44 24 10    	vmovdqu 0x10(%rsp),%ymm0
 2c5:	c4 c2 25 b8 c2       	vfmadd231ps %ymm10,%ymm11,%ymm0
 2ca:	c5 fe 7f 44 24 10    	vmovdqu %ymm0,0x10(%rsp)
 2d0:	c4 c2 05 b8 f1       	vfmadd231ps %ymm9,%ymm15,%ymm6
 2d5:	c5 fe 6f 84 24 b0 01 	vmovdqu 0x1b0(%rsp),%ymm0
 2dc:	00 00 
 2de:	c4 c2 1d b8 c1       	vfmadd231ps %ymm9,%ymm12,%ymm0
 2e3:	c5 fe 7f 84 24 b0 01 	vmovdqu %ymm0,0x1b0(%rsp)
 2ea:	00 00 
 2ec:	c5 fe 6f 84 24 70 01 	vmovdqu 0x170(%rsp),%ymm0
 2f3:	00 00 
 2f5:	c4 c2 1d b8 c2       	vfmadd231ps %ymm10,%ymm12,%ymm0
 2fa:	c5 fe 7f 84 24 70 01 	vmovdqu %ymm0,0x170(%rsp)
 301:	00 00 
 303:	c4 c2 05 b8 ea       	vfmadd231ps %ymm10,%ymm15,%ymm5
 308:	ff c7                	inc    %edi
 30a:	41 3b fb             	cmp    %r11d,%edi
 30d:	0f 8c fd fe ff ff    	jl     0x210
 313:	4d 8b 77 30          	mov    0x30(%r15),%r14
 317:	83 c0 10             	add    $0x10,%eax
 31a:	83 c5 08             	add    $0x8,%ebp
 31d:	41 85 06             	test   %eax,(%r14)
 320:	41 3b fa             	cmp    %r10d,%edi
 323:	0f 8c c0 fe ff ff    	jl     0x1e9
 329:	45 8b 55 0c          	mov    0xc(%r13),%r10d
 32d:	41 83 c2 f9          	add    $0xfffffff9,%r10d
 331:	45 85 d2             	test   %r10d,%r10d
 334:	0f 8c c2 09 00 00    	jl     0xcfc
 33a:	44 8b 9c 24 50 02 00 	mov    0x250(%rsp),%r11d
 341:	00 
 342:	45 3b da             	cmp    %r10d,%r11d
 345:	0f 83 04 03 00 00    	jae    0x64f
 34b:	49 63 cb             	movslq %r11d,%rcx
 34e:	c4 c1 3c 58 44 8d 10 	vaddps 0x10(%r13,%rcx,4),%ymm8,%ymm0
 355:	45 3b da             	cmp    %r10d,%r11d
 358:	0f 83 7a 03 00 00    	jae    0x6d8
 35e:	c4 c1 7e 7f 44 8d 10 	vmovdqu %ymm0,0x10(%r13,%rcx,4)
 365:	41 8d 6b 08          	lea    0x8(%r11),%ebp
 369:	41 3b ea             	cmp    %r10d,%ebp
 36c:	0f 83 1a 04 00 00    	jae    0x78c
 372:	c4 c1 44 58 44 8d 30 	vaddps 0x30(%r13,%rcx,4),%ymm7,%ymm0
 379:	c4 c1 7e 7f 44 8d 30 	vmovdqu %ymm0,0x30(%r13,%rcx,4)
 380:	8b ac 24 58 02 00 00 	mov    0x258(%rsp),%ebp
 387:	41 03 eb             	add    %r11d,%ebp
 38a:	41 3b ea             	cmp    %r10d,%ebp
 38d:	0f 83 91 04 00 00    	jae    0x824
 393:	83 c5 08             	add    $0x8,%ebp
