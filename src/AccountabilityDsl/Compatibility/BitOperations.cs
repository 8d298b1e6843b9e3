namespace System.Numerics;

/// <summary>
/// netstandard2.0 stand-in for the two <c>BitOperations</c> methods (.NET Core 3.0) that the
/// customer-space masks use, in portable bit arithmetic. net10.0 uses the real, intrinsic ones.
/// </summary>
internal static class BitOperations
{
    public static int PopCount(ulong value)
    {
        value -= (value >> 1) & 0x5555555555555555UL;
        value = (value & 0x3333333333333333UL) + ((value >> 2) & 0x3333333333333333UL);
        value = (value + (value >> 4)) & 0x0F0F0F0F0F0F0F0FUL;
        return (int)((value * 0x0101010101010101UL) >> 56);
    }

    public static int TrailingZeroCount(ulong value) => value == 0 ? 64 : PopCount((value & (0UL - value)) - 1);
}
