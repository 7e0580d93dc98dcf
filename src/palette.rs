//! One colour per machine, shared by the terminal's live view, the plots and the diagram.
//!
//! The colours are the 64 the scenario allows at most, all distinct, each one a colour of the
//! xterm 256-colour cube, so the terminal (which only takes a 256-colour index through the
//! progress-bar templates) shows exactly the colour the SVGs use. The first ten are close to the
//! familiar "tab10" set; the rest were picked greedily, each the farthest (CIELAB) from those
//! before it, from the cube colours neither too dark nor too light to read on white.

/// Most machines a scenario may have, and so the number of distinct colours.
pub const COLOURS: usize = 64;

/// xterm 256-colour indexes (16 + 36 r + 6 g + b, each of r, g, b in 0..6), machine order.
const XTERM: [u8; COLOURS] = [
    26,  // 0: #005fd7
    208, // 1: #ff8700
    34,  // 2: #00af00
    160, // 3: #d70000
    97,  // 4: #875faf
    94,  // 5: #875f00
    169, // 6: #d75faf
    59,  // 7: #5f5f5f
    142, // 8: #afaf00
    38,  // 9: #00afd7
    21,  // 10: #0000ff
    201, // 11: #ff00ff
    43,  // 12: #00d7af
    217, // 13: #ffafaf
    22,  // 14: #005f00
    55,  // 15: #5f00af
    197, // 16: #ff005f
    150, // 17: #afd787
    111, // 18: #87afff
    209, // 19: #ff875f
    88,  // 20: #870000
    199, // 21: #ff00af
    145, // 22: #afafaf
    179, // 23: #d7af5f
    65,  // 24: #5f875f
    90,  // 25: #870087
    177, // 26: #d787ff
    24,  // 27: #005f87
    131, // 28: #af5f5f
    125, // 29: #af005f
    139, // 30: #af87af
    116, // 31: #87d7d7
    35,  // 32: #00af5f
    129, // 33: #af00ff
    30,  // 34: #008787
    99,  // 35: #875fff
    112, // 36: #87d700
    219, // 37: #ffafff
    64,  // 38: #5f8700
    25,  // 39: #005faf
    113, // 40: #87d75f
    211, // 41: #ff87af
    137, // 42: #af875f
    171, // 43: #d75fff
    214, // 44: #ffaf00
    198, // 45: #ff0087
    203, // 46: #ff5f5f
    41,  // 47: #00d75f
    144, // 48: #afaf87
    98,  // 49: #875fd7
    216, // 50: #ffaf87
    110, // 51: #87afd7
    115, // 52: #87d7af
    58,  // 53: #5f5f00
    28,  // 54: #008700
    210, // 55: #ff8787
    202, // 56: #ff5f00
    206, // 57: #ff5fd7
    136, // 58: #af8700
    132, // 59: #af5f87
    138, // 60: #af8787
    130, // 61: #af5f00
    200, // 62: #ff00d7
    40,  // 63: #00d700
];

/// The levels of the xterm colour cube.
const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The xterm 256-colour index of the machine at index `i` (manifest order).
pub fn xterm(i: usize) -> u8 {
    XTERM[i % COLOURS]
}

/// The red, green and blue of the machine at index `i` (manifest order).
pub fn rgb(i: usize) -> (u8, u8, u8) {
    let c = usize::from(xterm(i)) - 16;
    (LEVELS[c / 36], LEVELS[c / 6 % 6], LEVELS[c % 6])
}

/// The colour of the machine at index `i` as `#rrggbb`.
pub fn hex(i: usize) -> String {
    let (r, g, b) = rgb(i);
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_four_machines_get_sixty_four_colours() {
        let mut all: Vec<String> = (0..COLOURS).map(hex).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), COLOURS);
        assert_eq!(hex(0), "#005fd7");
        assert_eq!(hex(COLOURS), hex(0));
    }
}
