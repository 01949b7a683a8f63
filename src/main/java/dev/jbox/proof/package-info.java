/**
 * Proof that a seccomp program decides exactly as its policy, for every input: SMT-LIB 2
 * text built from the policy model and from a verified program, and the solver's model read
 * back as a counterexample. Pure text in and out: the solver itself runs as a process, which
 * only {@code launch} may start ({@link dev.jbox.proof.Solver} is what it implements).
 *
 * <p>A layer of its own between {@code seccomp} and {@code launch} rather than part of
 * {@code seccomp}: its policy side must share nothing with the compiler (an ArchUnit rule
 * keeps every class here off {@code seccomp.Compiler}, {@code seccomp.CodeGen} and the
 * compiler's width table), which a package boundary states and enforces; within
 * {@code seccomp} only the program, the instruction set and the one {@code Interpreter} are
 * used. See docs/PROOF.md.
 */
package dev.jbox.proof;
