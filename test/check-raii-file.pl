#!/usr/bin/env perl
# check-raii-file.pl FILE — the boundary rule for a file that keeps C++
# objects with destructors alive (docs/architecture.md): it may call
# PostgreSQL (and the C-style functions of src/pg and src/<ext>, which call
# it) only inside the lambda of an ixpg::pg_call, or inside a function
# marked by a comment line "Runs inside ixpg::pg_call." that only such
# lambdas call.  Prints each violation as FILE:LINE; exits 1 if any.
use strict;
use warnings;

my ($file) = @ARGV;
open(my $fh, '<', $file) or die "$file: $!";
my $src = do { local $/; <$fh> };
close $fh;

# Blank out comments and string literals, keeping offsets (and newlines).
(my $code = $src) =~ s{(//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')}{
    (my $x = $1) =~ s/[^\n]/ /g; $x }gse;

sub line_of { my ($pos) = @_; return 1 + (substr($src, 0, $pos) =~ tr/\n//); }

# The body, [open brace, matching close brace], of the block that starts
# at the first '{' at or after $pos.
sub block_at {
    my ($pos) = @_;
    my $open = index($code, '{', $pos);
    return () if $open < 0;
    my $depth = 0;
    for (my $i = $open; $i < length $code; ++$i) {
        my $c = substr($code, $i, 1);
        $depth++ if $c eq '{';
        $depth-- if $c eq '}';
        return ($open, $i) if $depth == 0;
    }
    return ();
}

my @allowed;
my %marked;
# Lambdas given to pg_call.
while ($code =~ /\bpg_call\s*\(/g) {
    my @b = block_at(pos($code));
    push @allowed, [@b] if @b;
}
# Functions marked as running inside pg_call: the marker comment, then the
# function's signature and body.
while ($src =~ m{//[^\n]*Runs inside ixpg::pg_call\.[^\n]*\n}g) {
    my $after = pos($src);
    if (substr($code, $after) =~ /^\s*[\w:<>\*&\s]+?\b(\w+)\s*\(/) {
        $marked{$1} = 1;
        my @b = block_at($after);
        push @allowed, [@b] if @b;
    }
}
sub allowed { my ($p) = @_; for (@allowed) { return 1 if $p > $_->[0] && $p < $_->[1]; } return 0; }

# What calls PostgreSQL: its API, the C-style functions of this pack, and
# the marked functions themselves.
my $pg_api = qr/ereport|elog|palloc\w*|pfree|repalloc|ReadBuffer\w*|LockBuffer|UnlockReleaseBuffer|ReleaseBuffer
              |tbm_\w+|pgstat_\w+|CHECK_FOR_INTERRUPTS|deconstruct_array|get_\w+|RecoveryInProgress
              |RelationGet\w+|DatumGetArrayTypeP|TestForOldSnapshot|\w*FunctionCall\w*|index_\w+|relation_\w+
              |table_\w+|heap_\w+|Lock\w+|Unlock\w+|MemoryContext\w+/x;
my @ours;
for my $h (glob('src/*/*.hpp')) {
    # (format.hpp: the on-disk layout, constants and arithmetic only.)
    next if $h =~ m{src/core/|guard\.hpp|palloc_allocator\.hpp|postgres\.hpp|longjmp_safe\.hpp|format\.hpp};
    open(my $hh, '<', $h) or next;
    while (my $l = <$hh>) {
        push @ours, $1 if $l =~ /^\s*(?:inline\s+|static\s+|\[\[noreturn\]\]\s+)*[\w:<>\*&]+[\s\*&]+(\w+)\s*\(/;
    }
    close $hh;
}
my %ours = map { $_ => 1 } grep { !/^(pg_call|sql_entry|check_for_interrupts|operator|if|for|while|return)$/ } @ours;

my $bad = 0;
while ($code =~ /\b((?:ixpg::|ixbloom::)?(\w+))\s*\(/g) {
    my ($full, $name) = ($1, $2);
    my $at = pos($code) - length($full) - 1;
    next unless $name =~ /^(?:$pg_api)$/ || $ours{$name} || $marked{$name};
    # A function's definition (a type before its name) is not a call.
    next if substr($code, 0, $at) =~ /\b(?!return\b|else\b|case\b|throw\b)\w+[\s\*&]+$/;
    next if allowed($at);
    print "$file:" . line_of($at) . ": $name() outside ixpg::pg_call\n";
    $bad = 1;
}
exit $bad;
