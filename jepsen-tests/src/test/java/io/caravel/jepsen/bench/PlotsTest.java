package io.caravel.jepsen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

  @Test
  void writesBothPngsWithBothSidesColours(@TempDir Path dir) throws Exception {
    List<Path> files = Plots.write(Fixtures.threeRounds(), "test", dir);
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("throughput.png", "latency-cdf.png");
    for (Path f : files) {
      assertThat(Files.size(f)).isPositive();
      BufferedImage img = ImageIO.read(f.toFile());
      assertThat(img.getWidth()).isGreaterThan(400);
      assertThat(hasColour(img, 0x1f77b4)).as("Caravel's blue in " + f).isTrue();
      assertThat(hasColour(img, 0xff7f0e)).as("etcd's orange in " + f).isTrue();
    }
  }

  @Test
  void niceAxisBounds() {
    assertThat(Plots.niceCeil(1234)).isEqualTo(1500);
    assertThat(Plots.niceCeil(0)).isEqualTo(1);
    assertThat(Plots.tick(2000)).isEqualTo("2k");
    assertThat(Plots.tick(2500)).isEqualTo("2.5k");
  }

  private static boolean hasColour(BufferedImage img, int rgb) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xffffff) == rgb) {
          return true;
        }
      }
    }
    return false;
  }
}
