# Virtual-camera part of mtcam_render: the auto-framing controller (pure logic).
target_sources(mtcam_render PRIVATE framing.c)
