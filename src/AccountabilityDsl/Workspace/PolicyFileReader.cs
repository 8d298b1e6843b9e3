using System.Runtime.InteropServices;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Workspace;

/// <summary>
/// Reads policy files for every host, refusing anything that is not a regular file of a sane
/// size, without ever blocking. Opening a FIFO blocks until a writer appears and a character
/// device such as <c>/dev/zero</c> never ends, so a folder holding <c>x.owner</c> as a named
/// pipe would hang a build for ever; and permissions do not stop root, who runs CI. On Linux the
/// file type is asked of the kernel (<c>statx</c>, whose layout is the same on every
/// architecture) before opening; elsewhere the file system's attributes are asked. Files are
/// opened for shared reading (editors and other builds may write or delete them meanwhile).
/// Content problems (invalid UTF-8, a binary file) are not read errors: the text is decoded
/// leniently and the parser reports OWN0001 at the first bad byte.
/// </summary>
public static class PolicyFileReader
{
    /// <summary>
    /// The largest policy file read: 64 MiB, far beyond any hand-written policy and above the
    /// 50 MB generated policy the tests check; a larger file (or a sparse file, or an image saved
    /// as <c>.owner</c>) is refused before reading instead of filling memory.
    /// </summary>
    public const long MaxFileSize = 64L * 1024 * 1024;

    /// <summary>Reads and decodes one file, or says in one line why it could not be read.</summary>
    public static PolicyDocument Read(PolicyInput input)
    {
        try
        {
            byte[] bytes = ReadAllBytes(input.FullPath);
            return new PolicyDocument(input, SourceText.FromBytes(bytes, input.DisplayPath), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or ArgumentException or NotSupportedException)
        {
            return new PolicyDocument(input, null, WorkspaceMessages.CannotRead(input.DisplayPath, e));
        }
    }

    /// <summary>The file's bytes; throws <see cref="IOException"/> with a path-free reason for anything but a regular file within <see cref="MaxFileSize"/>.</summary>
    public static byte[] ReadAllBytes(string fullPath)
    {
        if (Kind(fullPath) is { } problem)
        {
            throw problem;
        }

        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        if (stream.CanSeek && stream.Length > MaxFileSize)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream(stream.CanSeek ? (int)stream.Length : 0);
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxFileSize)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IOException TooLarge() =>
        new($"it is larger than {MaxFileSize / (1024 * 1024)} MiB, which no policy is");

    /// <summary>Null for a regular file (or one that cannot be described: reading reports why); otherwise the reason not to read it.</summary>
    private static Exception? Kind(string fullPath)
    {
        if (OperatingSystem.IsLinux())
        {
            return LinuxKind(fullPath);
        }

        if (Directory.Exists(fullPath))
        {
            return new IOException("it is a folder");
        }

        return File.Exists(fullPath) ? null : new FileNotFoundException();
    }

    private static Exception? LinuxKind(string fullPath)
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxType = 0x1;
        const uint StatxSize = 0x200;
        var buffer = new byte[256];
        byte[] path = [.. System.Text.Encoding.UTF8.GetBytes(fullPath), 0];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
            {
                return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) == 0 && TypeOf(buffer) == 0xA000
                    ? new IOException("it is a broken symbolic link (its target does not exist or is a link loop)")
                    : File.Exists(fullPath) ? null : new FileNotFoundException();
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // A C library without statx (glibc before 2.28): read as before.
        }

        return TypeOf(buffer) switch
        {
            0x8000 when BitConverter.ToUInt64(buffer, 40) > MaxFileSize => TooLarge(),
            0x8000 => null,
            0x4000 => new IOException("it is a folder"),
            0x1000 => new IOException("it is a FIFO (named pipe), not a regular file"),
            0x2000 => new IOException("it is a character device, not a regular file"),
            0x6000 => new IOException("it is a block device, not a regular file"),
            0xC000 => new IOException("it is a socket, not a regular file"),
            _ => new IOException("it is not a regular file"),
        };
    }

    /// <summary>The S_IFMT bits of <c>stx_mode</c> (a u16 at offset 28).</summary>
    private static int TypeOf(byte[] statx) => BitConverter.ToUInt16(statx, 28) & 0xF000;

    [DllImport("libc", EntryPoint = "statx")]
    private static extern int Statx(int directory, byte[] nulTerminatedUtf8Path, int flags, uint mask, [Out] byte[] buffer);
}

/// <summary>One input after reading: its text, or the one-line reason it could not be read (then <see cref="Source"/> is null).</summary>
public sealed record PolicyDocument(PolicyInput Input, SourceText? Source, string? ReadError)
{
    public bool WasRead => ReadError is null;
}
