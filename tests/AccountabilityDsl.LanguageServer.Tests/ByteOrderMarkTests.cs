using AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer.Tests;

/// <summary>The server's input drops a UTF-8 BOM before the first message, and nothing else.</summary>
public class ByteOrderMarkTests
{
    /// <summary>A pipe that hands out at most one byte per read, as a slow client's does.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(1, buffer.Length)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }

    public static TheoryData<byte[], byte[]> Inputs() => new()
    {
        { [0xEF, 0xBB, 0xBF, (byte)'C', (byte)'o'], [(byte)'C', (byte)'o'] },
        { [(byte)'C', (byte)'o', (byte)'n'], [(byte)'C', (byte)'o', (byte)'n'] },
        // A mark's first bytes followed by something else are the client's bytes, kept.
        { [0xEF, 0xBB, (byte)'x', (byte)'y'], [0xEF, 0xBB, (byte)'x', (byte)'y'] },
        { [0xEF], [0xEF] },
        // Only the first mark goes.
        { [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF], [0xEF, 0xBB, 0xBF] },
        { [], [] },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Reads_the_input_without_a_leading_mark(byte[] input, byte[] expected)
    {
        foreach (Func<byte[], Stream> source in new Func<byte[], Stream>[] { b => new MemoryStream(b), b => new TrickleStream(b) })
        {
            using var asynchronous = new LeadingByteOrderMarkSkipper(source(input));
            using var copied = new MemoryStream();
            await asynchronous.CopyToAsync(copied);
            copied.ToArray().ShouldBe(expected);

            using var synchronous = new LeadingByteOrderMarkSkipper(source(input));
            var read = new List<byte>();
            var buffer = new byte[2];
            for (int n; (n = synchronous.Read(buffer, 0, buffer.Length)) > 0;)
            {
                read.AddRange(buffer[..n]);
            }

            read.ShouldBe(expected);
        }
    }
}
