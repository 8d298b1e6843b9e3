using System.Runtime.InteropServices;

namespace AccountabilityDsl.Cli.Input;

/// <summary>
/// Reads a policy file, refusing anything that is not a regular file. Opening a FIFO blocks
/// until a writer appears and a character device such as <c>/dev/zero</c> never ends, so a
/// folder holding <c>x.owner</c> as a named pipe would hang <c>ownerc check</c> for ever; and
/// permissions do not stop root, who runs CI. On Linux the file type is asked of the kernel
/// (<c>statx</c>, whose layout is the same on every architecture) before opening; elsewhere the
/// file is read as before.
/// </summary>
public static class PolicyFile
{
    public static byte[] ReadAllBytes(string fullPath)
    {
        if (OperatingSystem.IsLinux() && Kind(fullPath) is { } problem)
        {
            throw problem;
        }

        return File.ReadAllBytes(fullPath);
    }

    /// <summary>Null for a regular file (or one the kernel cannot describe: reading reports why); otherwise the reason not to read it.</summary>
    private static Exception? Kind(string fullPath)
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxType = 0x1;
        var buffer = new byte[256];
        try
        {
            if (Statx(AtFdCwd, fullPath, 0, StatxType, buffer) != 0)
            {
                return Statx(AtFdCwd, fullPath, AtSymlinkNoFollow, StatxType, buffer) == 0 && TypeOf(buffer) == 0xA000
                    ? new IOException("it is a broken symbolic link (its target does not exist or is a link loop)")
                    : null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // A C library without statx (glibc before 2.28): read as before.
        }

        return TypeOf(buffer) switch
        {
            0x8000 => null,
            0x4000 => new IOException("it is a folder"),
            0x1000 => new IOException("it is a FIFO (named pipe), not a regular file"),
            0x2000 => new IOException("it is a character device, not a regular file"),
            0x6000 => new IOException("it is a block device, not a regular file"),
            0xC000 => new IOException("it is a socket, not a regular file"),
            _ => new IOException("it is not a regular file"),
        };
    }

    /// <summary>The S_IFMT bits of <c>stx_mode</c> (a little- or big-endian u16 at offset 28).</summary>
    private static int TypeOf(byte[] statx) => BitConverter.ToUInt16(statx, 28) & 0xF000;

    [DllImport("libc", EntryPoint = "statx")]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
