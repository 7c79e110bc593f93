# IxpackRelFile.pm — read and damage blocks of a relation file while the
# server is stopped, for the TAP tests that check corrupted pages give a
# clear ERROR (test/t/001_corrupt_page.pl, test/t/006_ixbloom_corrupt.pl).
package IxpackRelFile;

use strict;
use warnings;
use Exporter 'import';

our @EXPORT = qw(read_block overwrite);

use constant BLCKSZ => 8192;

# The bytes of one block of a relation file.
sub read_block
{
    my ($path, $block) = @_;
    open(my $fh, '<', $path) or die "open $path: $!";
    binmode $fh;
    sysseek($fh, $block * BLCKSZ, 0) or die "seek: $!";
    sysread($fh, my $page, BLCKSZ) == BLCKSZ or die "short read";
    close $fh;
    return $page;
}

# Overwrite bytes at an offset within one block of a relation file.
sub overwrite
{
    my ($path, $block, $offset, $bytes) = @_;
    open(my $fh, '+<', $path) or die "open $path: $!";
    binmode $fh;
    sysseek($fh, $block * BLCKSZ + $offset, 0) or die "seek: $!";
    syswrite($fh, $bytes) == length($bytes) or die "write: $!";
    close $fh;
}

1;
